package io.edgecert.edge;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Several stages may each need the client not read for a while (the sequencer: too many
 * pipelined requests queued; the origin stage: the origin connection is not ready or cannot take
 * more of the body). Each holds reads for its own reason; the channel reads again only once no
 * reason is left, so one stage's release never overrides another's hold.
 */
final class ClientReads {
    static final int QUEUE_FULL = 1;
    static final int ORIGIN_BUSY = 2;
    private static final AttributeKey<int[]> HOLDS = AttributeKey.valueOf("edgecert.clientReadHolds");

    private ClientReads() {
    }

    static void hold(Channel ch, int reason, boolean hold) {
        int[] holds = ch.attr(HOLDS).get();
        if (holds == null) {
            if (!hold) {
                return;
            }
            holds = new int[1];
            ch.attr(HOLDS).set(holds);
        }
        int before = holds[0];
        holds[0] = hold ? before | reason : before & ~reason;
        if ((before == 0) != (holds[0] == 0)) {
            ch.config().setAutoRead(holds[0] == 0);
        }
    }
}
