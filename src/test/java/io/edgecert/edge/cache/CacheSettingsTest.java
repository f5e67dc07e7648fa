package io.edgecert.edge.cache;

import io.edgecert.config.ByteSize;
import io.edgecert.config.ConfigException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** EDGECERT_CACHE_*: sizes as people write them, the defaults, and a bad value named. */
@Timeout(30)
class CacheSettingsTest {
    @Test
    void sizesAreBytesOrBinaryMultiples() {
        assertThat(ByteSize.parse("1048576")).contains(1_048_576L);
        assertThat(ByteSize.parse("64k")).contains(65_536L);
        assertThat(ByteSize.parse("512m")).contains(512L << 20);
        assertThat(ByteSize.parse("2G")).contains(2L << 30);
        assertThat(ByteSize.parse("512MB")).contains(512L << 20);
        assertThat(ByteSize.parse(" 1t ")).contains(1L << 40);
        assertThat(ByteSize.parse("1.5g")).isEmpty();
        assertThat(ByteSize.parse("-1m")).isEmpty();
        assertThat(ByteSize.parse("m")).isEmpty();
        assertThat(ByteSize.parse("99999999999999999g")).isEmpty();
        assertThat(ByteSize.format(512L << 20)).isEqualTo("512m");
        assertThat(ByteSize.format(1536L << 10)).isEqualTo("1536k");
        assertThat(ByteSize.format(100)).isEqualTo("100");
    }

    @Test
    void theDefaultsAreAQuarterOfDirectMemoryAndAnEighthOfThatPerObject() {
        CacheSettings s = CacheSettings.from(Map.of());
        assertThat(s.memoryBytes()).isEqualTo(PlatformDependent.maxDirectMemory() / 4);
        assertThat(s.maxObjectBytes()).isEqualTo(Math.min(64L << 20, s.memoryBytes() / 8));
        assertThat(s.collapseTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxVariants()).isEqualTo(16);
        assertThat(s.diskBytes()).isEmpty();
    }

    @Test
    void theEnvironmentSetsThem() {
        CacheSettings s = CacheSettings.from(Map.of("EDGECERT_CACHE_MEMORY", "2g", "EDGECERT_CACHE_MAX_OBJECT", "10m",
                "EDGECERT_CACHE_COLLAPSE_TIMEOUT", "PT2S", "EDGECERT_CACHE_MAX_VARIANTS", "4"));
        assertThat(s).isEqualTo(new CacheSettings(2L << 30, 10L << 20, Duration.ofSeconds(2), 4, Optional.empty()));
        assertThat(CacheSettings.from(Map.of("EDGECERT_CACHE_MEMORY", "0")).memoryBytes())
                .as("0 turns the memory tier off").isZero();
    }

    @Test
    void aBadSizeIsRefusedWithItsName() {
        assertThatThrownBy(() -> CacheSettings.from(Map.of("EDGECERT_CACHE_MEMORY", "lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("EDGECERT_CACHE_MEMORY must be a size between 0 and ")
                .hasMessageEndingWith("got 'lots'");
        assertThatThrownBy(() -> CacheSettings.from(Map.of("EDGECERT_CACHE_MAX_OBJECT", "2g")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("between 1 and 1g");
    }

    @Test
    void theDiskTierIsRefusedUntilItExists() {
        CacheSettings s = CacheSettings.from(Map.of("EDGECERT_CACHE_DISK", "10g"));
        assertThat(s.diskBytes()).contains(10L << 30);
        assertThatThrownBy(() -> new CacheStore(s, new SimpleMeterRegistry()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("EDGECERT_CACHE_DISK");
    }
}
