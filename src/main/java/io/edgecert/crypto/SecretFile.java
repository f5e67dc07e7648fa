package io.edgecert.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/**
 * A secret kept in a file of the data dir, readable by its owner only (mode 0600). Created once,
 * atomically, so two nodes sharing a data dir by mistake cannot end up with different secrets.
 */
public final class SecretFile {
    private SecretFile() {
    }

    public record Loaded(String value, boolean created) {
        @Override
        public String toString() {
            return "Loaded[value=(redacted), created=" + created + "]";
        }
    }

    public static Loaded readOrCreate(Path file, Supplier<String> generator) {
        try {
            if (Files.exists(file)) {
                return new Loaded(Files.readString(file, StandardCharsets.US_ASCII).trim(), false);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".secret", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            String value = generator.get();
            Files.writeString(tmp, value + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(tmp);
                return new Loaded(Files.readString(file, StandardCharsets.US_ASCII).trim(), false);
            }
            return new Loaded(value, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
