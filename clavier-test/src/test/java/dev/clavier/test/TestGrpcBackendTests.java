package dev.clavier.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link TestGrpcBackend}, called through a grpc-netty-shaded channel with the
 * standard health stub.
 */
class TestGrpcBackendTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final List<ManagedChannel> channels = new ArrayList<>();

	private TestGrpcBackend backend;

	@BeforeEach
	void startBackend() {
		this.backend = TestGrpcBackend.start("127.0.0.1", 0);
	}

	@AfterEach
	void closeAll() throws InterruptedException {
		for (ManagedChannel channel : this.channels) {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
		this.backend.close();
	}

	@Test
	void checkWhenDefaultShouldAnswerServing() {
		assertThat(check(this.backend, "")).isEqualTo(ServingStatus.SERVING);
		assertThat(this.backend.checks()).isEqualTo(1);
		assertThat(this.backend.hostAndPort()).isEqualTo("127.0.0.1:" + this.backend.port());
	}

	@Test
	void checkWhenStatusSetShouldAnswerIt() {
		this.backend.status("", ServingStatus.NOT_SERVING).status("my.Service", ServingStatus.SERVING);
		assertThat(check(this.backend, "")).isEqualTo(ServingStatus.NOT_SERVING);
		assertThat(check(this.backend, "my.Service")).isEqualTo(ServingStatus.SERVING);
		this.backend.status("my.Service", ServingStatus.NOT_SERVING);
		assertThat(check(this.backend, "my.Service")).isEqualTo(ServingStatus.NOT_SERVING);
		assertThat(this.backend.checks()).isEqualTo(3);
	}

	@Test
	void checkWhenServiceUnknownShouldFailNotFound() {
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> check(this.backend, "unknown"))
			.extracting((ex) -> ex.getStatus().getCode())
			.isEqualTo(Status.Code.NOT_FOUND);
	}

	@Test
	void checkWhenStatusClearedShouldFailNotFound() {
		this.backend.clearStatus("");
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> check(this.backend, ""))
			.extracting((ex) -> ex.getStatus().getCode())
			.isEqualTo(Status.Code.NOT_FOUND);
	}

	@Test
	void checkWhenNoHealthServiceShouldFailUnimplemented() {
		try (TestGrpcBackend bare = TestGrpcBackend.startWithoutHealthService("127.0.0.1", 0)) {
			assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> check(bare, ""))
				.extracting((ex) -> ex.getStatus().getCode())
				.isEqualTo(Status.Code.UNIMPLEMENTED);
			assertThat(bare.checks()).isZero();
		}
	}

	@Test
	void checkWhenHangingShouldExceedDeadline() {
		this.backend.hang(true);
		HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel(this.backend))
			.withDeadlineAfter(300, TimeUnit.MILLISECONDS);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.check(HealthCheckRequest.newBuilder().setService("").build()))
			.extracting((ex) -> ex.getStatus().getCode())
			.isEqualTo(Status.Code.DEADLINE_EXCEEDED);
		assertThat(this.backend.checks()).isEqualTo(1);
		await().atMost(TIMEOUT).until(() -> this.backend.pendingChecks() == 0);
	}

	@Test
	void hangWhenSwitchedOffShouldAnswerHeldChecks() throws Exception {
		this.backend.hang(true);
		ListenableFuture<HealthCheckResponse> pending = HealthGrpc.newFutureStub(channel(this.backend))
			.withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
			.check(HealthCheckRequest.newBuilder().setService("").build());
		await().atMost(TIMEOUT).until(() -> this.backend.pendingChecks() == 1);
		assertThat(pending.isDone()).isFalse();
		this.backend.hang(false);
		assertThat(pending.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getStatus()).isEqualTo(ServingStatus.SERVING);
		assertThat(this.backend.pendingChecks()).isZero();
	}

	@Test
	void stopWhenChecksHeldShouldFailThemUnavailable() {
		this.backend.hang(true);
		ListenableFuture<HealthCheckResponse> pending = HealthGrpc.newFutureStub(channel(this.backend))
			.withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
			.check(HealthCheckRequest.newBuilder().setService("").build());
		await().atMost(TIMEOUT).until(() -> this.backend.pendingChecks() == 1);
		this.backend.stop();
		await().atMost(TIMEOUT).until(pending::isDone);
		assertThat(Status.fromThrowable(catchFailure(pending)).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
	}

	@Test
	void stopShouldRefuseConnectionsAndStartShouldListenOnSamePort() {
		int port = this.backend.port();
		this.backend.status("", ServingStatus.NOT_SERVING);
		this.backend.stop();
		assertThat(this.backend.isRunning()).isFalse();
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> check(this.backend, ""))
			.extracting((ex) -> ex.getStatus().getCode())
			.isEqualTo(Status.Code.UNAVAILABLE);
		this.backend.start();
		assertThat(this.backend.port()).isEqualTo(port);
		assertThat(check(this.backend, "")).isEqualTo(ServingStatus.NOT_SERVING);
	}

	@Test
	void startWhenSecondLoopbackAddressShouldServeThere() {
		assumeTrue(LoopbackAddresses.isBindable("127.0.0.2"), "127.0.0.2 is not bindable on this machine");
		try (TestGrpcBackend second = TestGrpcBackend.builder().host("127.0.0.2").port(this.backend.port()).start()) {
			second.status("", ServingStatus.NOT_SERVING);
			assertThat(check(second, "")).isEqualTo(ServingStatus.NOT_SERVING);
			assertThat(check(this.backend, "")).isEqualTo(ServingStatus.SERVING);
		}
	}

	@Test
	void startWhenIpv6ShouldServeOnIpv6Loopback() {
		assumeTrue(LoopbackAddresses.ipv6Available(), "::1 is not bindable on this machine");
		try (TestGrpcBackend ipv6 = TestGrpcBackend.start("::1", 0)) {
			assertThat(ipv6.hostAndPort()).isEqualTo("[::1]:" + ipv6.port());
			assertThat(check(ipv6, "")).isEqualTo(ServingStatus.SERVING);
		}
	}

	@Test
	void startWhenHostIsNotLoopbackShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> TestGrpcBackend.start("192.0.2.1", 0));
	}

	@Test
	void closeShouldStopNamedDaemonThreads() {
		Set<Thread> before = ThreadSnapshot.live("clavier-test-grpc-");
		TestGrpcBackend other = TestGrpcBackend.start("127.0.0.1", 0);
		assertThat(check(other, "")).isEqualTo(ServingStatus.SERVING);
		Set<Thread> started = ThreadSnapshot.started("clavier-test-grpc-", before);
		assertThat(started).extracting(Thread::getName)
			.anyMatch((name) -> name.matches("clavier-test-grpc-boss-\\d+"))
			.anyMatch((name) -> name.matches("clavier-test-grpc-worker-\\d+"))
			.anyMatch((name) -> name.matches("clavier-test-grpc-\\d+"));
		assertThat(started).allSatisfy((thread) -> assertThat(thread.isDaemon()).isTrue());
		other.close();
		await().atMost(TIMEOUT).until(() -> started.stream().noneMatch(Thread::isAlive));
	}

	@Test
	void watchShouldPushStatusesAndCountOpenStreams() throws Exception {
		BlockingQueue<String> seen = new LinkedBlockingQueue<>();
		ManagedChannel channel = channel(this.backend);
		HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), recording(seen));
		assertThat(seen.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("SERVING");
		assertThat(this.backend.watches()).isEqualTo(1);
		assertThat(this.backend.openWatches()).isEqualTo(1);
		this.backend.status("", ServingStatus.NOT_SERVING);
		assertThat(seen.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("NOT_SERVING");
		channel.shutdownNow();
		await().atMost(TIMEOUT).until(() -> this.backend.openWatches() == 0);
		assertThat(this.backend.checks()).isZero();
	}

	@Test
	void watchWhenBuiltWithoutWatchShouldAnswerUnimplementedWhileCheckWorks() throws Exception {
		try (TestGrpcBackend old = TestGrpcBackend.builder().watch(false).start()) {
			BlockingQueue<String> seen = new LinkedBlockingQueue<>();
			HealthGrpc.newStub(channel(old)).watch(HealthCheckRequest.getDefaultInstance(), recording(seen));
			assertThat(seen.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("UNIMPLEMENTED");
			assertThat(check(old, "")).isEqualTo(ServingStatus.SERVING);
			assertThat(old.watches()).isEqualTo(1);
			await().atMost(TIMEOUT).until(() -> old.openWatches() == 0);
		}
	}

	private static StreamObserver<HealthCheckResponse> recording(BlockingQueue<String> seen) {
		return new StreamObserver<>() {

			@Override
			public void onNext(HealthCheckResponse response) {
				seen.add(response.getStatus().name());
			}

			@Override
			public void onError(Throwable error) {
				seen.add(Status.fromThrowable(error).getCode().name());
			}

			@Override
			public void onCompleted() {
				seen.add("completed");
			}

		};
	}

	private ServingStatus check(TestGrpcBackend target, String service) {
		return HealthGrpc.newBlockingStub(channel(target))
			.withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
			.check(HealthCheckRequest.newBuilder().setService(service).build())
			.getStatus();
	}

	private ManagedChannel channel(TestGrpcBackend target) {
		// a new channel per call: a channel that saw its server go away backs off before reconnecting
		ManagedChannel channel = NettyChannelBuilder.forAddress(target.address()).usePlaintext().build();
		this.channels.add(channel);
		return channel;
	}

	private static Throwable catchFailure(ListenableFuture<HealthCheckResponse> future) {
		try {
			future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			return (ex.getCause() != null) ? ex.getCause() : ex;
		}
		throw new AssertionError("Expected the call to fail");
	}

}
