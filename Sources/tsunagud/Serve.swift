import ArgumentParser
import Logging
import TsunaguServer

extension Tsunagud {
    /// `tsunagud serve`: the webhook listener and the staff listener, until SIGTERM or SIGINT.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the webhook listener (default 0.0.0.0:8080) and the staff listener (default 127.0.0.1:8081).",
            discussion: """
                Start-up refuses, in one sentence naming the setting, when LINE_CHANNEL_SECRET is missing, \
                the data key is malformed, or the database cannot be written. SIGTERM or SIGINT stops \
                accepting, finishes requests in flight and exits 0.
                """)

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let configuration: TsunaguConfiguration
            let sources: SettingsSources
            do {
                sources = try options.sources()
                configuration = try TsunaguConfiguration(reader: sources.reader())
            } catch {
                throw Failure.exit(error)
            }
            let level = configuration.logLevel
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "tsunagud")
            // A setting under a name nobody reads would be silently ignored: say so, naming the closest one.
            for warning in sources.warnings { logger.warning("\(warning)") }
            do {
                try await TsunaguService.run(configuration: configuration, clock: SystemTime.clock, ids: SystemTime.ids, logger: logger)
            } catch let error as StartupError {
                throw Failure.exit(error)
            } catch  where String(describing: error).contains("Address already in use") {
                throw Failure.exit(
                    StartupError(
                        "A listening address is already in use; stop the other process or change TSUNAGU_WEBHOOK_PORT or TSUNAGU_STAFF_PORT."
                    ))
            }
        }
    }
}
