package dev.clavier.scout;

/**
 * Where a {@link HealthWatch} reports what it sees; the engine gives one to each
 * {@link ScoutSession#watch} call and moves every report to its scheduler thread, so a session
 * may call it from any thread. The engine handles each report as a probe outcome, through the
 * same health state machine as polled probes. Reports of one watch must arrive in order; after
 * {@link #ended} or {@link #unsupported} the watch reports nothing more. Thread-safe.
 */
public interface WatchSink {

	/**
	 * Reports a status the endpoint pushed. A failing one takes the endpoint out of rotation at
	 * once (it is the endpoint's own word, not a missed answer); passing ones bring it back
	 * after {@code rise} of them (see the engine's documentation for how they count).
	 * @param result what the endpoint said, for example {@code SERVING}
	 */
	void pushed(ProbeResult result);

	/**
	 * Reports that the stream broke or could not be opened (connection refused or reset, the
	 * server went away). The engine counts it as one failed probe and opens a new watch after a
	 * back-off.
	 * @param error why, for example {@code UNAVAILABLE: connection refused}
	 */
	void ended(String error);

	/**
	 * Reports that the endpoint cannot be watched (its server does not implement the stream):
	 * the engine polls it with {@link ScoutSession#probe} from now on, and says so.
	 * @param reason why, shown in dashboards
	 */
	void unsupported(String reason);

}
