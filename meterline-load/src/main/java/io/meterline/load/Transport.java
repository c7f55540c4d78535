package io.meterline.load;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty transport, chosen as the Meterline server chooses its own: native epoll where it loads,
 * else NIO. The load client and the benchmark's no-op server use it, so client, baseline and server
 * run on the same stack.
 */
public final class Transport {
  private Transport() {}

  /** Whether the native epoll transport is in use. */
  public static boolean epoll() {
    return Epoll.isAvailable();
  }

  /** "epoll" or "nio". */
  public static String name() {
    return epoll() ? "epoll" : "nio";
  }

  /** Event loops whose threads are named {@code name-N}, so profiles tell them apart. */
  public static EventLoopGroup group(String name, int threads) {
    IoHandlerFactory io = epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name), io);
  }

  /** The client socket channel of the transport. */
  public static Class<? extends Channel> clientChannel() {
    return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** The server socket channel of the transport. */
  public static Class<? extends ServerChannel> serverChannel() {
    return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }
}
