package io.edgecert.distributions.policies;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** CloudFront's policy types: managed ones ship with every node and cannot change; custom ones are the user's. */
public enum PolicyType {
    managed, custom;

    @JsonValue
    public String apiName() {
        return name();
    }

    public static Optional<PolicyType> fromApiName(String s) {
        return Arrays.stream(values()).filter(t -> t.name().equals(s)).findFirst();
    }
}
