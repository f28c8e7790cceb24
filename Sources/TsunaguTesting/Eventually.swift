/// Polls `condition` until it holds or `timeout` passes; returns whether it held. How tests wait for a
/// result that arrives asynchronously, without sleeping a fixed time. The timeout only bounds a failure: the whole
/// suite runs in parallel on two cores in CI, where a step that takes a millisecond alone can take seconds.
public func eventually(
    within timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(5),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
