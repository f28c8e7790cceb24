import Foundation
import Testing
import TsunaguTesting

/// The process's own edges: what `tsunagud` does to itself and its files before it serves.
@Suite("tsunagud's edges")
struct EdgeDaemonTests {
    @Test("a serving tsunagud has core dumps turned off")
    func noCoreDumps() async throws {
        let directory = try TemporaryDirectory()
        let daemon = try DaemonProcess(environment: DaemonProcess.environment(database: directory.path("tsunagu.sqlite")))
        _ = try await daemon.port(of: "staff")
        let limits = try String(contentsOfFile: "/proc/\(daemon.process.processIdentifier)/limits", encoding: .utf8)
        let core = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") })
        #expect(core.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2) == ["0", "0"], "\(core)")
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}
