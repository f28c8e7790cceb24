import ArgumentParser
import TsunaguClient

extension Tsunagu {
    /// `tsunagu chat`: talk with her in real time.
    struct Chat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Talk with her in a case you hold: the transcript, her new messages as they arrive, and a line to type.",
            discussion: """
                A line you type is sent to her. Commands: /note TEXT (a private note), /canned (list templates), \
                /canned ID (send one), /close OUTCOME [REFERRAL], /transfer NAME (or /transfer queue), /quit. Start a \
                line with // to send one that begins with /. Works through a pipe too: each line read is one action.
                """)

        @Argument(help: "The case's handle.") var handle: String

        func run() async throws {
            try await Composition.session(timeout: .seconds(60)) { try await $0.chat(handle, typed: Composition.typedLines()) }
        }
    }
}
