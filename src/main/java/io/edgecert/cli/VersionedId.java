package io.edgecert.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecert.json.Json;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Optional;

/** "ID" or "ID:VERSION": a distribution, at its current or a given version (--copy-from, --template-distribution). */
record VersionedId(String id, Optional<Integer> version) {

    /** The API's {distributionId, version?} object. */
    ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode().put("distributionId", id);
        version.ifPresent(v -> o.put("version", v));
        return o;
    }

    static final class Converter implements ITypeConverter<VersionedId> {
        @Override
        public VersionedId convert(String text) {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                return new VersionedId(text.strip(), Optional.empty());
            }
            try {
                return new VersionedId(text.substring(0, colon).strip(), Optional.of(Integer.parseInt(text.substring(colon + 1).strip())));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not ID or ID:VERSION (VERSION a whole number)");
            }
        }
    }
}
