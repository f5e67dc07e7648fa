package io.edgecert.web.console;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    final LoginThrottle throttle = new LoginThrottle(new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void theUserBucketIsPerAddressSoOneAddressCannotLockTheAdminOutElsewhere() {
        assertThat(LoginThrottle.userKey("admin", "203.0.113.9")).contains("203.0.113.9").contains("admin")
                .isNotEqualTo(LoginThrottle.userKey("admin", "198.51.100.1"));
        for (int i = 0; i < LoginThrottle.USER_LIMIT; i++) {
            assertThat(throttle.attempt("admin", "203.0.113.9")).as("attempt " + (i + 1)).isTrue();
        }
        assertThat(throttle.attempt("admin", "203.0.113.9")).isFalse();
        assertThat(throttle.attempt("admin", "198.51.100.1")).isTrue();
        // the admin token's bucket is per address as well
        for (int i = 0; i < LoginThrottle.USER_LIMIT; i++) {
            throttle.attempt(Accounts.TOKEN_USER, "203.0.113.9");
        }
        assertThat(throttle.attempt(Accounts.TOKEN_USER, "203.0.113.9")).isFalse();
        assertThat(throttle.attempt(Accounts.TOKEN_USER, "198.51.100.1")).isTrue();
        // and the window slides
        now = now.plus(LoginThrottle.WINDOW).plusSeconds(1);
        assertThat(throttle.attempt("admin", "203.0.113.9")).isTrue();
    }

    @Test
    void oneAddressTryingManyUserNamesIsLimitedToo() {
        for (int i = 0; i < LoginThrottle.CLIENT_LIMIT; i++) {
            assertThat(throttle.attempt("user" + i, "203.0.113.9")).isTrue();
        }
        assertThat(throttle.attempt("someone-else", "203.0.113.9")).isFalse();
        assertThat(throttle.attempt("someone-else", "198.51.100.1")).isTrue();
    }

    @Test
    void aSuccessForgetsThatUsersFailuresFromThatAddress() {
        for (int i = 0; i < LoginThrottle.USER_LIMIT - 1; i++) {
            throttle.attempt("admin", "203.0.113.9");
        }
        assertThat(throttle.attempt("admin", "203.0.113.9")).isTrue();
        throttle.succeeded("admin", "203.0.113.9");
        assertThat(throttle.attempt("admin", "203.0.113.9")).isTrue();
    }

    @Test
    void parallelAttemptsCannotRunPastTheLimit() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicInteger allowed = new AtomicInteger();
        try {
            var calls = IntStream.range(0, 200).<Callable<Boolean>>mapToObj(i -> () -> {
                boolean ok = throttle.attempt("admin", "203.0.113.9");
                if (ok) {
                    allowed.incrementAndGet();
                }
                return ok;
            }).toList();
            pool.invokeAll(calls);
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(allowed.get()).isEqualTo(LoginThrottle.USER_LIMIT);
    }
}
