package io.edgecert.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvTest {
    private enum Mode { AUTO, ON, OFF }

    @Test
    void aChoiceIsOneOfItsWordsInAnyCaseAndABadOneIsNamedWithTheWordsAllowed() {
        Env env = new Env(Map.of("M", "On", "BAD", "sometimes", "BLANK", " "));
        assertThat(env.choice("M", Mode.AUTO, entry("auto", Mode.AUTO), entry("on", Mode.ON), entry("off", Mode.OFF)))
                .isEqualTo(Mode.ON);
        assertThat(env.choice("BLANK", Mode.AUTO, entry("on", Mode.ON))).isEqualTo(Mode.AUTO);
        assertThat(env.choice("UNSET", Mode.OFF, entry("on", Mode.ON))).isEqualTo(Mode.OFF);
        assertThatThrownBy(() -> env.choice("BAD", Mode.AUTO, entry("auto", Mode.AUTO), entry("on", Mode.ON),
                entry("off", Mode.OFF)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BAD must be auto, on or off, got 'sometimes'");
    }
}
