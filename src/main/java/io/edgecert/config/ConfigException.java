package io.edgecert.config;

/**
 * A setting that cannot be used. Its message is the whole story (the variable, the value, what is
 * allowed), so {@code serve} prints it as one line and exits instead of showing a stack trace.
 */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
