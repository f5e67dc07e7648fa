package io.edgecert.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** One --tags value as the API takes it ({key, value}); written "Key=k,Value=v" as with the AWS CLI, or "k=v". */
record TagArgument(String key, String value) {

    static final class Converter implements ITypeConverter<TagArgument> {
        @Override
        public TagArgument convert(String text) {
            String key = null;
            String value = "";
            String lower = text.toLowerCase(Locale.ROOT);
            if (lower.startsWith("key=")) {
                for (String part : text.split(",", -1)) {
                    String p = part.toLowerCase(Locale.ROOT);
                    if (p.startsWith("key=")) {
                        key = part.substring(4);
                    } else if (p.startsWith("value=")) {
                        value = part.substring(6);
                    } else {
                        throw new TypeConversionException("'" + text + "' is not Key=k,Value=v");
                    }
                }
            } else if (text.contains("=")) {
                key = text.substring(0, text.indexOf('='));
                value = text.substring(text.indexOf('=') + 1);
            }
            if (key == null || key.isBlank()) {
                throw new TypeConversionException("'" + text + "' is not a tag: write Key=k,Value=v or k=v");
            }
            return new TagArgument(key, value);
        }
    }
}
