public import CurlHTTP

/// Every `tsunagu` command that works over the staff API: its requests and what it prints.
///
/// The executable parses the arguments and builds one of these (its composition root picks the transport, the
/// console and the clock); tests build one over a recording transport and a recording console. A `chat` slash
/// command and its subcommand call the same method here, so they send the same request and say the same words.
public struct StaffCommands: Sendable {
    let client: StaffClient
    let terminal: Terminal
    /// Milliseconds since the epoch, read where the CLI shows how long ago something happened.
    let now: @Sendable () -> Int64

    /// Warns once, on standard error, when the login would send the token in clear (`http://` to another machine).
    public init(client: StaffClient, terminal: Terminal, now: @escaping @Sendable () -> Int64) {
        self.client = client
        self.terminal = terminal
        self.now = now
        if let warning = client.plainTextWarning { terminal.console.writeError(warning + "\n") }
    }

    /// Commands over `credentials` and `transport`, for the executable.
    public init(
        credentials: Credentials, transport: any HTTPTransport, terminal: Terminal, now: @escaping @Sendable () -> Int64
    ) {
        self.init(client: StaffClient(credentials: credentials, transport: transport), terminal: terminal, now: now)
    }
}
