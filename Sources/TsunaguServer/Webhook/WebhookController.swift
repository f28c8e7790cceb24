import Foundation
import HTTPTypes
public import Hummingbird
import Logging

/// `POST /webhook`: the only door LINE knocks on.
///
/// Order matters and is the security model: size cap (413, from `Content-Length` before reading when it is
/// declared), then the signature over the raw bytes (401, with an empty body), then decoding (400), then
/// the durable append, and only then 200. A 200 therefore always means "stored or already stored".
///
/// The whole body must arrive within `bodyTimeLimit` (408 and the connection closed otherwise): the idle timeout
/// alone would let a client that sends a byte now and then hold a connection and a task forever.
public struct WebhookController<Context: RequestContext>: Sendable {
    let ingestor: WebhookIngestor
    let maxBodyBytes: Int
    let bodyTimeLimit: Duration
    let metrics: TsunaguMetrics

    public init(ingestor: WebhookIngestor, maxBodyBytes: Int, bodyTimeLimit: Duration = .seconds(10), metrics: TsunaguMetrics) {
        self.ingestor = ingestor
        self.maxBodyBytes = maxBodyBytes
        self.bodyTimeLimit = bodyTimeLimit
        self.metrics = metrics
    }

    public func addRoutes(to router: Router<Context>) {
        router.post("/webhook", use: receive)
    }

    @Sendable func receive(request: Request, context: Context) async -> Response {
        let start = ContinuousClock.now
        let response = await respond(to: request, context: context)
        metrics.recordWebhookRequest(status: response.status.code, duration: .now - start)
        return response
    }

    private func respond(to request: Request, context: Context) async -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes {
            return Self.plain(.contentTooLarge, "The request body is too large.")
        }
        let body: Data
        do {
            guard let collected = try await collect(request.body) else {
                return Response(
                    status: .requestTimeout, headers: [.contentType: "text/plain; charset=utf-8", .connection: "close"],
                    body: .init(byteBuffer: ByteBuffer(string: "The request body did not arrive in time.\n")))
            }
            body = Data(collected.readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return Self.plain(.contentTooLarge, "The request body is too large.")
        } catch {
            return Self.plain(.badRequest, "The request body could not be read.")
        }

        do {
            switch try await ingestor.ingest(body: body, signatureHeader: request.headers[.lineSignature]) {
            case .unauthorized:
                return Response(status: .unauthorized)
            case .malformed:
                return Self.plain(.badRequest, "The body is not a LINE webhook request.")
            case .accepted(let stored, let duplicates):
                metrics.recordEvents(stored: stored, duplicates: duplicates)
                if duplicates > 0 {
                    // Debug, not info: a redelivery storm must not flood the log; the metric counts them.
                    context.logger.debug("Acknowledged repeated webhook events", metadata: ["duplicates": "\(duplicates)"])
                }
                return Response(status: .ok)
            }
        } catch {
            // Not acknowledged, so LINE may deliver it again. The error names no data: GRDB keeps statement
            // arguments out of its messages.
            context.logger.error("Could not store webhook events", metadata: ["error.type": "\(type(of: error))"])
            return Self.plain(.internalServerError, "The events could not be stored; LINE may retry.")
        }
    }

    /// The body, or `nil` when it has not all arrived within ``bodyTimeLimit``.
    private func collect(_ body: RequestBody) async throws -> ByteBuffer? {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: maxBodyBytes) }
            group.addTask {
                try await Task.sleep(for: bodyTimeLimit)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    private static func plain(_ status: HTTPResponse.Status, _ sentence: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: sentence + "\n")))
    }
}

extension HTTPField.Name {
    /// LINE's signature header; `HTTPFields` looks names up case-insensitively, as LINE asks.
    static let lineSignature = Self("x-line-signature")!
}
