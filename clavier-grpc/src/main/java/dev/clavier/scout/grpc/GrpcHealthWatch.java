package dev.clavier.scout.grpc;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.clavier.scout.HealthWatch;
import dev.clavier.scout.WatchSink;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;

/**
 * One {@code grpc.health.v1.Health/Watch} server stream to one endpoint, over the session's
 * channel for it: each pushed status goes to the sink, the stream's end to
 * {@link WatchSink#ended} and an {@code UNIMPLEMENTED} answer to {@link WatchSink#unsupported}.
 * {@link #close()} cancels the call (on the server too). The call carries no deadline: a stream
 * lives as long as the endpoint is watched. Thread-safe.
 */
final class GrpcHealthWatch implements HealthWatch {

	static final String UNSUPPORTED = "the server does not implement grpc.health.v1.Health/Watch (UNIMPLEMENTED): "
			+ "polled with Health/Check";

	private final WatchSink sink;

	private final Object lock = new Object();

	// guarded by lock
	private @Nullable ClientCall<HealthCheckRequest, HealthCheckResponse> call;

	// guarded by lock
	private boolean closed;

	// guarded by lock: whether the sink heard the last word (ended or unsupported)
	private boolean finished;

	private GrpcHealthWatch(WatchSink sink) {
		this.sink = sink;
	}

	/**
	 * Starts a watch once the channel exists.
	 * @param channel the channel being made
	 * @param request the request (its service name)
	 * @param sink where to report
	 * @param channelFailure words a failure to make the channel
	 * @return the watch
	 */
	static GrpcHealthWatch start(CompletableFuture<ManagedChannel> channel, HealthCheckRequest request,
			WatchSink sink, Function<Throwable, String> channelFailure) {
		GrpcHealthWatch watch = new GrpcHealthWatch(sink);
		channel.whenComplete((ready, ex) -> {
			if (ex != null) {
				watch.end(channelFailure.apply(ex));
			}
			else {
				watch.open(ready, request);
			}
		});
		return watch;
	}

	private void open(ManagedChannel channel, HealthCheckRequest request) {
		ClientCall<HealthCheckRequest, HealthCheckResponse> started;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			try {
				started = channel.newCall(HealthGrpc.getWatchMethod(), CallOptions.DEFAULT);
			}
			catch (RuntimeException ex) {
				started = null;
			}
			this.call = started;
		}
		if (started == null) {
			end("grpc watch could not start");
			return;
		}
		try {
			ClientCalls.asyncServerStreamingCall(started, request, new Observer());
		}
		catch (RuntimeException ex) {
			end(GrpcScoutSession.toResult(Status.fromThrowable(ex)).detail());
		}
	}

	private void pushed(HealthCheckResponse response) {
		synchronized (this.lock) {
			if (this.closed || this.finished) {
				return;
			}
		}
		this.sink.pushed(GrpcScoutSession.toResult(response.getStatus()));
	}

	private void failed(Throwable error) {
		Status status = Status.fromThrowable(error);
		if (status.getCode() == Status.Code.UNIMPLEMENTED) {
			synchronized (this.lock) {
				if (this.closed || this.finished) {
					return;
				}
				this.finished = true;
			}
			this.sink.unsupported(UNSUPPORTED);
			return;
		}
		end(GrpcScoutSession.toResult(status).detail());
	}

	private void end(@Nullable String error) {
		synchronized (this.lock) {
			if (this.closed || this.finished) {
				return;
			}
			this.finished = true;
		}
		this.sink.ended((error != null) ? error : "grpc watch ended");
	}

	@Override
	public void close() {
		ClientCall<HealthCheckRequest, HealthCheckResponse> open;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			open = this.call;
			this.call = null;
		}
		if (open != null) {
			open.cancel("watch closed", null);
		}
	}

	@Override
	public String toString() {
		synchronized (this.lock) {
			return "GrpcHealthWatch{" + (this.closed ? "closed" : this.finished ? "ended" : "open") + "}";
		}
	}

	/**
	 * Hands the call's events over, on gRPC's callback executor.
	 */
	private final class Observer implements StreamObserver<HealthCheckResponse> {

		@Override
		public void onNext(HealthCheckResponse response) {
			pushed(response);
		}

		@Override
		public void onError(Throwable error) {
			failed(error);
		}

		@Override
		public void onCompleted() {
			end("the server ended the watch stream");
		}

	}

}
