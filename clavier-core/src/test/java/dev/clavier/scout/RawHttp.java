package dev.clavier.scout;

import java.io.IOException;
import java.io.InputStream;

/**
 * What the tests' hand-written HTTP servers share.
 */
final class RawHttp {

	private static final byte[] HEAD_END = { '\r', '\n', '\r', '\n' };

	private RawHttp() {
	}

	/**
	 * Reads a request head up to its blank line.
	 * @param in the connection's input
	 * @return {@code true} once the head is read, {@code false} if the peer closed first
	 * @throws IOException if reading fails
	 */
	static boolean readHead(InputStream in) throws IOException {
		int matched = 0;
		while (matched < HEAD_END.length) {
			int b = in.read();
			if (b < 0) {
				return false;
			}
			matched = (b == HEAD_END[matched]) ? matched + 1 : ((b == HEAD_END[0]) ? 1 : 0);
		}
		return true;
	}

}
