package io.edgecert.store;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * The schema migrations ({@code db/migration/V<n>__*.sql}), run by Flyway. A node starting on a
 * database that already has every migration this build carries skips Flyway: loading it (and the
 * Jackson and plugin classes it brings) took 0.6-0.8 s of a cold start, a quarter of bench/edge's
 * start-up until every name is servable. Any missing version, or no history table, runs Flyway as
 * always, which validates, locks against other nodes and migrates.
 */
final class Migrations {
    private static final String LOCATION = "db/migration";
    private static final String HISTORY = "flyway_schema_history";
    private static final Pattern SCRIPT = Pattern.compile("(?:.*/)?V([0-9._]+)__[^/]*\\.sql");

    private Migrations() {
    }

    /** Brings the schema up to date; true when Flyway ran, false when it was already current. */
    static boolean migrate(DataSource ds) {
        if (applied(ds).containsAll(bundledVersions(Migrations.class.getClassLoader()))) {
            return false;
        }
        Flyway.configure().dataSource(ds).locations("classpath:" + LOCATION).load().migrate();
        return true;
    }

    /** Versions Flyway recorded as applied; empty on a new database. */
    static Set<String> applied(DataSource ds) {
        Set<String> versions = new HashSet<>();
        try (Connection c = ds.getConnection()) {
            // asked first: a failed query would land in H2's trace file on every first start
            try (ResultSet tables = c.getMetaData().getTables(null, null, HISTORY, new String[]{"TABLE"})) {
                if (!tables.next()) {
                    return Set.of();
                }
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT version FROM " + HISTORY + " WHERE success AND version IS NOT NULL")) {
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
        return versions;
    }

    /** Versions of the migration scripts on the class path, as Flyway spells them ("9", "10.1"). */
    static Set<String> bundledVersions(ClassLoader loader) {
        URL dir = loader.getResource(LOCATION);
        if (dir == null) {
            throw new IllegalStateException("no " + LOCATION + " on the class path");
        }
        Set<String> versions = new TreeSet<>();
        try (Stream<String> names = scriptNames(dir)) {
            names.forEach(name -> {
                Matcher m = SCRIPT.matcher(name);
                if (m.matches()) {
                    versions.add(m.group(1).replace('_', '.'));
                }
            });
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("no migration scripts under " + dir);
        }
        return versions;
    }

    private static Stream<String> scriptNames(URL dir) {
        try {
            if (dir.openConnection() instanceof JarURLConnection jar) {
                // the running jar, already open: its entries are listed from memory
                return jar.getJarFile().stream().map(ZipEntry::getName)
                        .filter(n -> n.startsWith(LOCATION + "/"));
            }
            return Files.list(Path.of(dir.toURI())).map(p -> p.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
