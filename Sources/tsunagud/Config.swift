import ArgumentParser
import Foundation
import TsunaguServer

extension Tsunagud {
    /// `tsunagud config`: the settings in force and where each came from.
    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every setting in force and where it came from (environment, file or default).",
            discussion: """
                Reads the settings exactly as serve does and validates them, so a mistake stops it with the same \
                sentence. Secrets (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, TSUNAGU_DATA_KEY, \
                TSUNAGU_DATA_KEY_PREVIOUS) are shown only as set or unset, TSUNAGU_DATABASE without a password. A \
                TSUNAGU_* variable or a config file key that is not a setting is warned about on stderr, with the \
                closest name that is. --markdown prints the README's configuration table instead.
                """)

        @OptionGroup var options: ConfigOptions

        @Flag(name: .long, help: "Print JSON for scripts.")
        var json = false

        @Flag(name: .long, help: "Print the table of every setting as Markdown (for the README), without reading any.")
        var markdown = false

        func validate() throws {
            if json && markdown { throw ValidationError("Use --json or --markdown, not both.") }
        }

        func run() async throws {
            if markdown {
                print(SettingsReport.markdown)
                return
            }
            let report: SettingsReport
            do {
                let sources = try options.sources()
                report = SettingsReport(configuration: try TsunaguConfiguration(reader: sources.reader()), sources: sources)
            } catch {
                throw Failure.exit(error)
            }
            for warning in report.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            if json {
                try JSONOutput.print(report)
            } else {
                print(report.table)
            }
        }
    }
}
