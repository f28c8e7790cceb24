import HTTPTypes
public import Hummingbird

/// Answers 405 with `Allow` when a known path is asked with a method it does not serve; Hummingbird's router
/// would answer 404, which tells an operator probing `/webhook` with `GET` the wrong thing.
public struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: [String: [HTTPRequest.Method]]

    public init(allowed: [String: [HTTPRequest.Method]]) { self.allowed = allowed }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let methods = allowed[request.uri.path], !methods.contains(request.method),
            !(request.method == .head && methods.contains(.get))
        {
            return Response(
                status: .methodNotAllowed,
                headers: [.allow: methods.map(\.rawValue).joined(separator: ", ")])
        }
        return try await next(request, context)
    }
}
