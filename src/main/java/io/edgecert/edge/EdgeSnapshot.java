package io.edgecert.edge;

import io.edgecert.json.Json;
import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CustomErrorResponse;
import io.edgecert.serving.DeployedRoute;
import io.edgecert.serving.OriginGroup;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.serving.RoutesFingerprint;
import io.edgecert.serving.SealedMaterial;


import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * What a node's edge served, kept in its data dir so that a restart serves again without reading
 * every distribution and certificate from the database: on H2 at 10,000 distributions those two
 * reads were 1.2-1.8 s of a 3.5 s cold start (bench/edge). The fingerprint is that of its
 * entries: when the database's still equals it at start-up, nothing was created, changed,
 * restamped by a reimport or deleted since, and the snapshot is served as it is; otherwise
 * EdgeDeployment catches it up with the database as it does any stale view. Private keys in it
 * are sealed as in the database (AES-GCM under the master key); the file is owner-only all the same.
 *
 * <p>Format: magic, format version, fingerprint, entries, distinct chains, materials, CRC-32 of
 * all before it. Written to a temporary file and moved into place, so a crash leaves the old
 * snapshot or the new one.
 */
public record EdgeSnapshot(RoutesFingerprint fingerprint, List<DeployedRoute> entries, List<SealedMaterial> material) {
    static final String FILE_NAME = "edge-snapshot.bin";
    private static final long MAGIC = 0x4544474543455254L; // "EDGECERT"
    /** 2: routes carry their CDN part (behaviors, policies, groups, error responses, origin paths). */
    private static final int FORMAT = 2;
    /** Larger than any real snapshot (10,000 certificates: ~25 MB), so a corrupt count fails fast. */
    private static final int MAX_COUNT = 10_000_000;

    public EdgeSnapshot {
        entries = List.copyOf(entries);
        material = List.copyOf(material);
    }

    public static Path file(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        CRC32 crc = new CRC32();
        try (OutputStream raw = Files.newOutputStream(tmp);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(raw, crc), 1 << 16))) {
            out.writeLong(MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(fingerprint.count());
            out.writeLong(fingerprint.maxChangeSeq());
            out.writeLong(fingerprint.sumChangeSeq());
            out.writeInt(entries.size());
            for (DeployedRoute e : entries) {
                writeEntry(out, e);
            }
            // CA chains once each: a SaaS's customers mostly share a handful
            Map<String, Integer> chains = new HashMap<>();
            List<String> chainList = new ArrayList<>();
            for (SealedMaterial m : material) {
                chains.computeIfAbsent(m.chainPem(), c -> {
                    chainList.add(c);
                    return chainList.size() - 1;
                });
            }
            out.writeInt(chainList.size());
            for (String c : chainList) {
                writeString(out, c);
            }
            out.writeInt(material.size());
            for (SealedMaterial m : material) {
                writeString(out, m.certificateId());
                out.writeInt(m.version());
                writeString(out, m.keyType());
                writeString(out, m.certificatePem());
                out.writeInt(chains.get(m.chainPem()));
                out.writeInt(m.encryptedKey().length);
                out.write(m.encryptedKey());
            }
            out.flush();
            out.writeLong(crc.getValue()); // not itself part of the checksum: written past the checked stream's count
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The snapshot in the file; empty when there is none. Throws when it is damaged or of another format. */
    public static Optional<EdgeSnapshot> read(Path file) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream raw = Files.newInputStream(file);
             CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc);
             DataInputStream in = new DataInputStream(checked)) {
            if (in.readLong() != MAGIC || in.readInt() != FORMAT) {
                throw new IOException("not an edge snapshot of format " + FORMAT);
            }
            RoutesFingerprint fingerprint = new RoutesFingerprint(
                    in.readLong(), in.readLong(), in.readLong());
            int entryCount = count(in);
            List<DeployedRoute> entries = new ArrayList<>(entryCount);
            for (int i = 0; i < entryCount; i++) {
                entries.add(readEntry(in));
            }
            String[] chains = new String[count(in)];
            for (int i = 0; i < chains.length; i++) {
                chains[i] = readString(in);
            }
            int materialCount = count(in);
            List<SealedMaterial> material = new ArrayList<>(materialCount);
            for (int i = 0; i < materialCount; i++) {
                String id = readString(in);
                int version = in.readInt();
                String keyType = readString(in);
                String certificatePem = readString(in);
                int chain = in.readInt();
                if (chain < 0 || chain >= chains.length) {
                    throw new IOException("chain index " + chain + " out of range");
                }
                byte[] key = new byte[count(in)];
                in.readFully(key);
                material.add(new SealedMaterial(id, version, keyType, certificatePem, chains[chain], key));
            }
            long expected = crc.getValue();
            if (in.readLong() != expected) {
                throw new IOException("checksum mismatch");
            }
            return Optional.of(new EdgeSnapshot(fingerprint, entries, material));
        } catch (NoSuchFileException none) {
            return Optional.empty();
        } catch (EOFException | IllegalArgumentException e) {
            throw new IOException("truncated or damaged: " + e, e);
        }
    }

    private static void writeEntry(DataOutputStream out, DeployedRoute e) throws IOException {
        EdgeRoute r = e.route();
        writeString(out, r.distributionId());
        out.writeInt(r.version());
        writeStrings(out, r.aliases());
        writeString(out, r.domainName());
        writeString(out, r.certificateId().orElse(""));
        out.writeInt(r.certificateVersion());
        writeString(out, r.minimumProtocol().name());
        out.writeInt(r.origins().size());
        for (EdgeRoute.Origin o : r.origins()) {
            writeString(out, o.id());
            writeString(out, o.url().toString());
        }
        writeString(out, r.defaultOriginId());
        // Most routes are today's pass-through: a flag, and JSON only for those that are not.
        boolean plain = isPlain(r);
        out.writeBoolean(!plain);
        if (!plain) {
            writeString(out, Json.write(new CdnPart(r.origins().stream().map(EdgeRoute.Origin::originPath).toList(),
                    r.originGroups(), r.defaultBehavior(), r.behaviors(), r.customErrorResponses())));
        }
        out.writeLong(e.changeSeq());
        out.writeBoolean(e.enabled());
    }

    /** A route's CDN part as JSON: serving's records as they are, read back by their canonical constructors. */
    record CdnPart(List<String> originPaths, List<OriginGroup> originGroups, CacheBehavior defaultBehavior,
                   List<CacheBehavior> behaviors, List<CustomErrorResponse> customErrorResponses) {
    }

    private static boolean isPlain(EdgeRoute r) {
        return r.originGroups().isEmpty() && r.behaviors().isEmpty() && r.customErrorResponses().isEmpty()
                && r.origins().stream().allMatch(o -> o.originPath().isEmpty())
                && r.defaultBehavior().equals(CacheBehavior.passThrough(r.defaultOriginId()));
    }

    private static DeployedRoute readEntry(DataInputStream in) throws IOException {
        String id = readString(in);
        int version = in.readInt();
        List<String> aliases = readStrings(in);
        String domainName = readString(in);
        String certificateId = readString(in);
        int certificateVersion = in.readInt();
        MinimumProtocol protocol = MinimumProtocol.valueOf(readString(in));
        int originCount = count(in);
        List<EdgeRoute.Origin> origins = new ArrayList<>(originCount);
        for (int i = 0; i < originCount; i++) {
            origins.add(new EdgeRoute.Origin(readString(in), URI.create(readString(in))));
        }
        String defaultOriginId = readString(in);
        Optional<String> certificate = certificateId.isEmpty() ? Optional.empty() : Optional.of(certificateId);
        EdgeRoute route;
        if (in.readBoolean()) {
            CdnPart cdn;
            try {
                cdn = Json.read(readString(in), CdnPart.class);
            } catch (java.io.UncheckedIOException e) {
                throw new IOException("damaged route " + id + ": " + e.getMessage(), e);
            }
            if (cdn.originPaths().size() != origins.size()) {
                throw new IOException("route " + id + " has " + origins.size() + " origins but "
                        + cdn.originPaths().size() + " origin paths");
            }
            List<EdgeRoute.Origin> withPaths = new ArrayList<>(origins.size());
            for (int i = 0; i < origins.size(); i++) {
                withPaths.add(new EdgeRoute.Origin(origins.get(i).id(), origins.get(i).url(), cdn.originPaths().get(i)));
            }
            route = new EdgeRoute(id, version, aliases, domainName, certificate, certificateVersion, protocol, withPaths,
                    defaultOriginId, cdn.originGroups(), cdn.defaultBehavior(), cdn.behaviors(), cdn.customErrorResponses());
        } else {
            route = new EdgeRoute(id, version, aliases, domainName, certificate, certificateVersion, protocol, origins,
                    defaultOriginId);
        }
        return new DeployedRoute(route, in.readLong(), in.readBoolean());
    }

    private static void writeStrings(DataOutputStream out, Collection<String> values) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            writeString(out, v);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = count(in);
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(readString(in));
        }
        return values;
    }

    /** Length-prefixed UTF-8: DataOutput.writeUTF stops at 64 KB, which a long chain could pass. */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[count(in)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_COUNT) {
            throw new IOException("count " + n + " out of range");
        }
        return n;
    }
}
