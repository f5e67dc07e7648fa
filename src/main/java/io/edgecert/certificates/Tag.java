package io.edgecert.certificates;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A key/value tag as the API shows it (AWS style). */
public record Tag(String key, String value) {
    public Tag {
        value = value == null ? "" : value;
    }

    public static Map<String, String> toMap(List<Tag> tags) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Tag t : tags) {
            m.put(t.key(), t.value());
        }
        return m;
    }

    public static List<Tag> fromMap(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> new Tag(e.getKey(), e.getValue())).toList();
    }
}
