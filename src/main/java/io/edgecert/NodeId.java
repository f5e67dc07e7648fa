package io.edgecert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * This node's name in shared tables (edge nodes, job leases). Kept in the data dir so that a
 * restarted node recognises its own leases and resumes its jobs at once instead of waiting for
 * them to expire.
 */
final class NodeId {
    private NodeId() {
    }

    static String load(Path dataDir) {
        Path file = dataDir.resolve("node.id");
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            String id = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    static String hostName() {
        try {
            String name = java.net.InetAddress.getLocalHost().getHostName();
            return name.length() > 60 ? name.substring(0, 60) : name;
        } catch (IOException e) {
            return "localhost";
        }
    }
}
