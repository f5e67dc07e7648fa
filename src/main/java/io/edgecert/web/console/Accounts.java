package io.edgecert.web.console;

import io.edgecert.crypto.SecretFile;
import io.edgecert.store.Database;
import io.edgecert.store.Sql;
import io.edgecert.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Console users and sessions, both in the database (sessions work on every node). A session is a
 * random 256-bit cookie value; the table keeps only its SHA-256, with the user and the CSRF token.
 */
final class Accounts {
    private static final Logger log = LoggerFactory.getLogger(Accounts.class);
    static final String FIRST_USER = "admin";
    static final String PASSWORD_FILE = "console-password";
    /** The user name recorded for sessions opened with the admin token. */
    static final String TOKEN_USER = "~admin-token";
    static final Duration IDLE = Duration.ofHours(8);
    static final Duration ABSOLUTE = Duration.ofHours(24);
    /** last_seen_at is written at most this often per session. */
    private static final Duration TOUCH = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final Clock clock;
    private final Path passwordFile;

    Accounts(Database db, Clock clock, Path dataDir) {
        this.db = db;
        this.clock = clock;
        this.passwordFile = dataDir.resolve(PASSWORD_FILE);
    }

    record User(String name, String passwordHash, boolean mustChange) {
        @Override
        public String toString() {
            return "User[" + name + "]";
        }
    }

    /** A live session as a request sees it. */
    record Session(String idHash, String user, String csrfToken, boolean mustChange, Instant createdAt) {
        boolean viaAdminToken() {
            return TOKEN_USER.equals(user);
        }

        String displayName() {
            return viaAdminToken() ? "admin token" : user;
        }

        @Override
        public String toString() {
            return "Session[" + user + "]";
        }
    }

    /**
     * First start: with no user yet, creates {@value #FIRST_USER} with the password from
     * EDGECERT_CONSOLE_PASSWORD, or a generated one-time password written to the data dir (0600)
     * that must be changed at first login. Safe when several nodes start at once.
     */
    void bootstrap(Optional<String> configuredPassword, Consumer<String> announce) {
        if (db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM console_users");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }) > 0) {
            return;
        }
        boolean generated = configuredPassword.isEmpty();
        SecretFile.Loaded loaded = generated ? SecretFile.readOrCreate(passwordFile, Passwords::generate) : null;
        String password = generated ? loaded.value() : configuredPassword.get();
        String problem = Passwords.problem(password, FIRST_USER);
        if (problem != null) {
            throw new IllegalArgumentException("EDGECERT_CONSOLE_PASSWORD: " + problem);
        }
        Instant now = clock.instant();
        try {
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_users "
                        + "(name, password_hash, must_change, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, FIRST_USER);
                    ps.setString(2, Passwords.hash(password));
                    ps.setBoolean(3, generated);
                    ps.setObject(4, Sql.utc(now));
                    ps.setObject(5, Sql.utc(now));
                    ps.executeUpdate();
                }
                return null;
            });
        } catch (StoreException e) {
            if (!e.isConstraintViolation()) {
                throw e;
            }
            // another node created the first user at the same moment: its password counts, not ours
            if (generated && loaded.created()) {
                deletePasswordFile();
            }
            return;
        }
        announce.accept(generated
                ? "Console: created user '" + FIRST_USER + "' with a one-time password in " + passwordFile.toAbsolutePath()
                  + " (mode 0600); it must be changed at first login"
                : "Console: created user '" + FIRST_USER + "' with the password from EDGECERT_CONSOLE_PASSWORD");
    }

    Optional<User> user(String name) {
        if (name == null || name.isEmpty() || name.length() > 64) {
            return Optional.empty();
        }
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name, password_hash, must_change FROM console_users WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new User(rs.getString(1), rs.getString(2), rs.getBoolean(3)))
                            : Optional.<User>empty();
                }
            }
        });
    }

    /** The user when name and password match; the same time is spent when the user does not exist. */
    Optional<User> authenticate(String name, String password) {
        Optional<User> user = user(name == null ? null : name.strip());
        if (user.isEmpty()) {
            Passwords.burn(password);
            return Optional.empty();
        }
        return Passwords.verify(password, user.get().passwordHash()) ? user : Optional.empty();
    }

    /**
     * Sets a new password, ends the user's other sessions and, for the first user, deletes the
     * one-time password file: it has done its job.
     */
    void changePassword(String name, String newPassword, String keepSessionHash) {
        Instant now = clock.instant();
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE console_users SET password_hash = ?, must_change = FALSE, password_changed_at = ? WHERE name = ?")) {
                ps.setString(1, Passwords.hash(newPassword));
                ps.setObject(2, Sql.utc(now));
                ps.setString(3, name);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM console_sessions WHERE user_name = ? AND id_hash <> ?")) {
                ps.setString(1, name);
                ps.setString(2, keepSessionHash);
                ps.executeUpdate();
            }
            return null;
        });
        if (FIRST_USER.equals(name)) {
            deletePasswordFile();
        }
        log.info("Console user {} changed the password", name);
    }

    // ---- sessions --------------------------------------------------------------------------

    /** A new session; returns the cookie value (only ever sent to the browser, never stored). */
    String openSession(String user) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String cookie = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = clock.instant();
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE expires_at < ?")) {
                ps.setObject(1, Sql.utc(now));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_sessions "
                    + "(id_hash, user_name, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, hashOf(cookie));
                ps.setString(2, user);
                ps.setString(3, randomToken());
                ps.setObject(4, Sql.utc(now));
                ps.setObject(5, Sql.utc(now));
                ps.setObject(6, Sql.utc(now.plus(ABSOLUTE)));
                ps.executeUpdate();
            }
            return null;
        });
        return cookie;
    }

    /** The live session of a cookie value: not expired, not idle for longer than {@link #IDLE}. */
    Optional<Session> session(String cookie) {
        if (cookie == null || cookie.length() < 20 || cookie.length() > 100) {
            return Optional.empty();
        }
        String hash = hashOf(cookie);
        Instant now = clock.instant();
        record Row(String user, String csrf, Instant created, Instant lastSeen, Instant expires, Boolean mustChange) {
        }
        Optional<Row> row = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.user_name, s.csrf_token, s.created_at, s.last_seen_at, "
                    + "s.expires_at, u.must_change FROM console_sessions s LEFT JOIN console_users u ON u.name = s.user_name "
                    + "WHERE s.id_hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Row>empty();
                    }
                    boolean must = rs.getBoolean(6);
                    Boolean mustChange = rs.wasNull() ? null : must;
                    return Optional.of(new Row(rs.getString(1), rs.getString(2), Sql.instant(rs, 3), Sql.instant(rs, 4),
                            Sql.instant(rs, 5), mustChange));
                }
            }
        });
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Row r = row.get();
        boolean userGone = r.mustChange() == null && !TOKEN_USER.equals(r.user());
        if (userGone || now.isAfter(r.expires()) || now.isAfter(r.lastSeen().plus(IDLE))) {
            closeSession(cookie);
            return Optional.empty();
        }
        if (now.isAfter(r.lastSeen().plus(TOUCH))) {
            db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE console_sessions SET last_seen_at = ? WHERE id_hash = ?")) {
                    ps.setObject(1, Sql.utc(now));
                    ps.setString(2, hash);
                    return ps.executeUpdate();
                }
            });
        }
        return Optional.of(new Session(hash, r.user(), r.csrf(), Boolean.TRUE.equals(r.mustChange()), r.created()));
    }

    void closeSession(String cookie) {
        if (cookie == null) {
            return;
        }
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE id_hash = ?")) {
                ps.setString(1, hashOf(cookie));
                return ps.executeUpdate();
            }
        });
    }

    static String randomToken() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    static String hashOf(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void deletePasswordFile() {
        try {
            Files.deleteIfExists(passwordFile);
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", passwordFile, e.toString());
        }
    }
}
