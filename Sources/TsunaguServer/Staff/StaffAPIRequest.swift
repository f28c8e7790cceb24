public import Foundation
import Hummingbird
import NIOCore

// Reading a staff API request: its JSON body and its query, refused in the API's own words.

/// Decodes a small JSON body; `nil` for an empty one when that is allowed.
func decode<Body: Decodable>(_ type: Body.Type, from request: Request, allowEmpty: Bool = false) async throws -> Body? {
    let buffer: ByteBuffer
    do {
        buffer = try await request.body.collect(upTo: 64 * 1024)
    } catch {
        throw APIError(.contentTooLarge, code: "body_too_large", "The body is larger than 64 KiB; send a shorter message.")
    }
    guard buffer.readableBytes > 0 else {
        if allowEmpty { return nil }
        throw APIError(.badRequest, code: "invalid_body", "The body is empty; send JSON.")
    }
    return try StaffRequestBody.decode(Body.self, from: Data(buffer.readableBytesView))
}

/// The JSON of a staff API request body, as every route reads it (public for the fuzzing target).
public enum StaffRequestBody {
    /// - Throws: ``APIError`` 400 `invalid_body`, in a sentence that repeats nothing of the body.
    public static func decode<Body: Decodable>(_ type: Body.Type, from data: Data) throws(APIError) -> Body {
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch {
            throw APIError(.badRequest, code: "invalid_body", "The body is not the JSON this route takes; see docs/staff-api.md.")
        }
    }
}

/// An integer query parameter within `range`, `fallback` when absent; a 400 otherwise.
func integer(in request: Request, _ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
    guard let text = request.uri.queryParameters.get(name) else { return fallback }
    guard let value = Int(text), range.contains(value) else {
        throw APIError(.badRequest, code: "invalid_query", "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
    }
    return value
}
