package io.edgecert.store;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up skips Flyway only when every bundled migration is applied; anything less migrates. */
class MigrationsTest {
    @TempDir
    Path dir;

    private HikariDataSource h2() {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl("jdbc:h2:file:" + dir.resolve("db") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        ds.setUsername("sa");
        ds.setPassword("");
        return ds;
    }

    @Test
    void aNewDatabaseIsMigratedAndACurrentOneIsLeftAlone() {
        try (HikariDataSource ds = h2()) {
            assertThat(Migrations.applied(ds)).isEmpty();
            assertThat(Migrations.migrate(ds)).isTrue();
            assertThat(Migrations.applied(ds)).containsAll(Migrations.bundledVersions(getClass().getClassLoader()));
            assertThat(Migrations.migrate(ds)).as("nothing left to apply").isFalse();
        }
        assertThat(dir.resolve("db.trace.db")).as("H2 logged no failed statement").doesNotExist();
    }

    @Test
    void aDatabaseMissingTheNewestMigrationIsMigrated() {
        try (HikariDataSource ds = h2()) {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("8").load().migrate();
            assertThat(Migrations.applied(ds)).contains("8").doesNotContain("9");
            assertThat(Migrations.migrate(ds)).isTrue();
            assertThat(Migrations.applied(ds)).contains("9");
        }
    }

    /** The runnable jar lists its scripts from the jar's entries, not a directory. */
    @Test
    void versionsAreReadFromAJarToo() throws Exception {
        Path jar = dir.resolve("m.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : new String[]{"db/migration/", "db/migration/V1__first.sql", "db/migration/V2_1__second.sql",
                    "db/migration/README.txt", "db/other/V7__elsewhere.sql"}) {
                out.putNextEntry(new JarEntry(name));
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, null)) {
            assertThat(Migrations.bundledVersions(loader)).containsExactlyInAnyOrder("1", "2.1");
        }
    }
}
