import Hummingbird
import HummingbirdTesting
public import LineSandbox

extension LineSandbox {
    /// Serves this sandbox on a free loopback port for the duration of `body`, which gets its base URL.
    public func serve(_ body: @escaping @Sendable (_ baseURL: String) async throws -> Void) async throws {
        let router = Router()
        addRoutes(to: router)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
    }
}
