package dev.clavier.scout;

import java.nio.charset.StandardCharsets;

/**
 * Writes bytes a peer sent the way probe results quote them: short, printable and on one line.
 * Stateless and thread-safe.
 */
final class Printable {

	/** The longest text a result quotes, in characters before escaping. */
	static final int MAX_QUOTED = 64;

	private Printable() {
	}

	/**
	 * Returns the first {@link #MAX_QUOTED} bytes as text: printable ASCII as is, {@code \r},
	 * {@code \n}, {@code \t} and {@code \\} escaped, other bytes as {@code \xNN}, and
	 * {@code ...} when cut.
	 * @param bytes the bytes
	 * @param length how many of them are valid
	 * @return the escaped text
	 */
	static String escape(byte[] bytes, int length) {
		int shown = Math.min(length, MAX_QUOTED);
		StringBuilder text = new StringBuilder(shown + 8);
		for (int i = 0; i < shown; i++) {
			int b = bytes[i] & 0xff;
			switch (b) {
				case '\r' -> text.append("\\r");
				case '\n' -> text.append("\\n");
				case '\t' -> text.append("\\t");
				case '\\' -> text.append("\\\\");
				default -> {
					if (b >= 0x20 && b < 0x7f) {
						text.append((char) b);
					}
					else {
						text.append("\\x").append(Character.forDigit(b >> 4, 16));
						text.append(Character.forDigit(b & 0xf, 16));
					}
				}
			}
		}
		if (length > shown) {
			text.append("...");
		}
		return text.toString();
	}

	/**
	 * Returns text escaped as {@link #escape(byte[], int)} does with its UTF-8 bytes.
	 * @param text the text
	 * @return the escaped text
	 */
	static String escape(String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		return escape(bytes, bytes.length);
	}

}
