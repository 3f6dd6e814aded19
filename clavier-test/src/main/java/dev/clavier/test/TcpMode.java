package dev.clavier.test;

/**
 * How a {@link TestTcpBackend} treats the connections it accepts.
 */
public enum TcpMode {

	/**
	 * Accept and hold the connection open until the client closes it, discarding what it sends.
	 */
	ACCEPT,

	/**
	 * Accept and close the connection at once.
	 */
	ACCEPT_AND_CLOSE,

	/**
	 * Speak enough Redis for a health check: answer {@code PING}, inline ({@code PING\r\n}) or
	 * as a RESP array ({@code *1\r\n$4\r\nPING\r\n}), with the reply set by
	 * {@link TestTcpBackend#redisReply(String)} (default {@code +PONG\r\n}), and any other
	 * command with an error.
	 */
	REDIS,

	/**
	 * Accept and read, never answer.
	 */
	SILENT

}
