package dev.clavier.scout;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import org.jspecify.annotations.Nullable;

/**
 * How the {@code http} scout turns a response's status into a verdict: healthy iff the status is
 * below 500 (the original's rule, so a 404 or a 302 is healthy), or iff it is one of the expected
 * statuses when they are set. A redirect is never followed; the result names its
 * {@code Location}. A status outside 100...599 is a malformed response, whatever the rule.
 * Results read {@code HTTP 200}, {@code HTTP 404 (expected: 200-299,304)} or
 * {@code HTTP 302 (redirect to '/login' not followed)}. Immutable and thread-safe.
 */
final class HttpStatusRule {

	/** The default rule: healthy iff the status is below 500. */
	static final HttpStatusRule BELOW_500 = new HttpStatusRule(null);

	private final @Nullable StatusRanges expected;

	private HttpStatusRule(@Nullable StatusRanges expected) {
		this.expected = expected;
	}

	/**
	 * Returns the rule that passes the given statuses, or the default rule.
	 * @param expected the healthy statuses, or {@code null} for every status below 500
	 * @return the rule
	 */
	static HttpStatusRule of(@Nullable StatusRanges expected) {
		return (expected != null) ? new HttpStatusRule(expected) : BELOW_500;
	}

	/**
	 * Judges a response by its status, naming the {@code Location} of a redirect.
	 * @param response the response head
	 * @return the verdict
	 */
	ProbeResult judge(HttpResponse response) {
		int code = response.status().code();
		boolean redirect = code >= 300 && code < 400;
		return judge(code, redirect ? response.headers().get(HttpHeaderNames.LOCATION) : null);
	}

	/**
	 * Judges a status code.
	 * @param code the status code, as the peer sent it
	 * @param location the {@code Location} of a redirect, or {@code null}
	 * @return the verdict
	 */
	ProbeResult judge(int code, @Nullable String location) {
		if (code < 100 || code > 599) {
			// Netty takes any number as the status code: without this, "HTTP/1.1 000 OK" from a
			// broken peer would pass the default rule (< 500). RFC 9110 15: three digits, 1xx to 5xx.
			return ProbeResult.failed("malformed response: status code " + code + " (expected: 100...599)");
		}
		StatusRanges ranges = this.expected;
		boolean healthy = (ranges != null) ? ranges.contains(code) : code < 500;
		StringBuilder detail = new StringBuilder("HTTP ").append(code);
		boolean expectedNoted = !healthy && ranges != null;
		if (expectedNoted) {
			detail.append(" (expected: ").append(ranges);
		}
		if (location != null) {
			detail.append(expectedNoted ? "; " : " (").append("redirect to '").append(Printable.escape(location))
				.append("' not followed");
		}
		if (expectedNoted || location != null) {
			detail.append(')');
		}
		return new ProbeResult(healthy, detail.toString());
	}

	/**
	 * Returns the healthy statuses as written, for example {@code 200-299,304}, or {@code <500}.
	 * @return the text
	 */
	@Override
	public String toString() {
		return (this.expected != null) ? this.expected.toString() : "<500";
	}

}
