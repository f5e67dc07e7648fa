package io.edgecert.edge;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;


/**
 * The socket layer under the edge: Linux epoll when its native library loads, else Java NIO.
 * epoll skips NIO's selector bookkeeping and per-read allocations; bench/edge measured the
 * difference (README, "Benchmarks"). Everything above the channel is the same for both.
 */
enum EdgeTransport {
    EPOLL(EpollServerSocketChannel.class, EpollSocketChannel.class, EpollDatagramChannel.class) {
        @Override
        IoHandlerFactory handlers() {
            return EpollIoHandler.newFactory();
        }
    },
    NIO(NioServerSocketChannel.class, NioSocketChannel.class, NioDatagramChannel.class) {
        @Override
        IoHandlerFactory handlers() {
            return NioIoHandler.newFactory();
        }
    };

    /** How the operator chose: {@code auto} takes epoll where it is available. */
    enum Choice { AUTO, EPOLL, NIO }

    final Class<? extends ServerChannel> serverChannel;
    final Class<? extends Channel> clientChannel;
    final Class<? extends DatagramChannel> datagramChannel;

    EdgeTransport(Class<? extends ServerChannel> serverChannel, Class<? extends Channel> clientChannel,
                  Class<? extends DatagramChannel> datagramChannel) {
        this.serverChannel = serverChannel;
        this.clientChannel = clientChannel;
        this.datagramChannel = datagramChannel;
    }

    abstract IoHandlerFactory handlers();

    EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, handlers());
    }

    /** Fails when epoll is asked for and cannot load, so a forced choice is never silently ignored. */
    static EdgeTransport select(Choice choice) {
        return switch (choice) {
            case NIO -> NIO;
            case EPOLL -> {
                Epoll.ensureAvailability();
                yield EPOLL;
            }
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
        };
    }

    /** Why epoll is not in use, for the start-up log. */
    static String unavailabilityReason() {
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? "not requested" : cause.toString();
    }
}
