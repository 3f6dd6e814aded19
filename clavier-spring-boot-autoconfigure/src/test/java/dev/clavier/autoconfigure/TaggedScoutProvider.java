package dev.clavier.autoconfigure;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.clavier.model.ModelOptions;
import dev.clavier.scout.ProbeResult;
import dev.clavier.scout.Scout;
import dev.clavier.scout.ScoutContext;
import dev.clavier.scout.ScoutProvider;
import dev.clavier.scout.ScoutSession;
import org.jspecify.annotations.Nullable;

/**
 * A scout model of a user's, registered with {@link java.util.ServiceLoader} in the test
 * resources: {@code tagged}, which reads the option {@code foo} and passes every probe.
 * Public, as {@link java.util.ServiceLoader} requires.
 */
public final class TaggedScoutProvider implements ScoutProvider {

	/**
	 * Creates the provider.
	 */
	public TaggedScoutProvider() {
	}

	/**
	 * Returns {@code tagged}.
	 * @return the model name
	 */
	@Override
	public String model() {
		return "tagged";
	}

	/**
	 * Creates the scout from the option {@code foo}; any other option is rejected.
	 * @param options the options
	 * @return the scout
	 */
	@Override
	public Scout create(Map<String, String> options) {
		ModelOptions reader = ModelOptions.of(model(), options);
		String foo = reader.string("foo");
		reader.done();
		return new TaggedScout(foo);
	}

	/**
	 * The {@code tagged} scout: every probe passes.
	 *
	 * @param foo the option {@code foo} as configured, or {@code null}
	 */
	record TaggedScout(@Nullable String foo) implements Scout {

		@Override
		public String model() {
			return "tagged";
		}

		@Override
		public ScoutSession open(ScoutContext context) {
			return (endpoint) -> CompletableFuture.completedFuture(ProbeResult.passed());
		}

	}

}
