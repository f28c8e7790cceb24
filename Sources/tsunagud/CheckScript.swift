import ArgumentParser
import Configuration
import Foundation
import TsunaguCore
import TsunaguServer

extension Tsunagud {
    /// `tsunagud check-script`: whether the conversation script would start, and what the office still has to fill in.
    struct CheckScript: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-script",
            abstract: "Check the conversation script, and list the office's facts still to fill in.",
            discussion: """
                Loads the script exactly as serve does (TSUNAGU_SCRIPT, tsunagu.script in the config file, or --script), \
                with danger detection's dictionary and model. A broken script is reported with its file, line and \
                problem, and the exit status is 1. Every office.values entry that is empty is listed as a warning: \
                until it is set, she reads the script's office.unset wording in its place. Exit status 0 means the \
                script would start; check the warnings before going live.
                """)

        @OptionGroup var options: ConfigOptions

        @Option(name: .long, help: ArgumentHelp("The script to check, instead of the configured one.", valueName: "path"))
        var script: String?

        func run() async throws {
            let path: String
            do {
                path = try script ?? TsunaguConfiguration.scriptPath(reader: options.reader())
            } catch {
                throw Failure.exit(error)
            }
            let engine: TriageEngine
            do {
                engine = try ScriptLoader.load(path: path)
            } catch {
                throw Failure.exit(error)
            }
            let unset = ScriptLoader.officeWarnings(engine.script, path: path)
            for warning in unset { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            print("\(path): the script is valid" + (unset.isEmpty ? "; every office fact is set." : "; \(unset.count) office facts are not set yet."))
        }
    }
}
