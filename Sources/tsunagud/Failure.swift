import ArgumentParser
import Foundation
import TsunaguCore
import TsunaguPersistence
import TsunaguSQLite
import TsunaguServer

/// Prints a failure as the one sentence the operator needs, on stderr, and exits 1.
///
/// Only our own errors are printed in full: they are written to name settings and never data. Anything
/// else is named by its type only, since a foreign error's description could quote what it was given.
enum Failure {
    static func exit(_ error: any Error) -> ExitCode {
        let sentence =
            switch error {
            case let error as StartupError: error.message
            case let error as StoreError: error.message
            case let error as StaffNameTaken: error.description
            case let error as AuditKeyMissing: error.description
            case let error as TransferError: error.description
            case let error as Announcer.Refusal: error.description
            default: "Stopped by an unexpected \(type(of: error)); run again with TSUNAGU_LOG_LEVEL=debug for details."
            }
        FileHandle.standardError.write(Data("tsunagud: \(sentence)\n".utf8))
        return .failure
    }
}
