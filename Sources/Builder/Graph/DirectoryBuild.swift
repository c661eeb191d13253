import Foundation
import ModelfileLang
import Synchronization

/// One Modelfile of a folder build and the model it produces.
package struct ModelfileTarget: Sendable {
    package var path: String
    package var name: ModelName
    package var input: BuildInput
    /// Rendered lint warnings (errors stop `targets(in:)`).
    package var warnings: String = ""
}

/// `mfc build DIR`: every `Modelfile` and `*.Modelfile` in a folder, built in dependency order
/// (a FROM that names another target's model waits for it), independent ones in parallel.
package enum DirectoryBuild {
    /// Reads the folder's Modelfiles; each is named after its file (see `ModelfileNaming`).
    package static func targets(in directory: String) throws(StoreError) -> [ModelfileTarget] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter(ModelfileNaming.isModelfile).sorted()
        guard !files.isEmpty else { throw StoreError("no Modelfile or *.Modelfile in \(directory)") }
        var targets: [ModelfileTarget] = []
        for f in files {
            let path = directory + "/" + f
            guard let bytes = FileIO.read(path) else { throw StoreError("cannot read \(path)") }
            let checked = ModelfileFrontEnd.read(bytes, path: f, directory: directory)
            guard let input = checked.input else { throw StoreError(checked.rendered().trimmingSuffixNewline) }
            targets.append(ModelfileTarget(path: path, name: ModelfileNaming.defaultName(forModelfileAt: path), input: input,
                                           warnings: checked.rendered()))
        }
        return targets
    }

    /// Groups targets into waves: every target's dependencies are in earlier waves.
    /// - Throws: on a dependency cycle, naming the files in it.
    package static func waves(_ targets: [ModelfileTarget]) throws(StoreError) -> [[ModelfileTarget]] {
        var deps: [[Int]] = []
        for t in targets {
            var d: [Int] = []
            for from in t.input.from where FileIO.status(try SourceResolver.expand(from, directory: t.input.directory, home: FileSystemProbe.homeDirectory())) == nil {
                let wanted = ModelName(parsing: from)
                if let i = targets.firstIndex(where: { $0.name.matches(wanted) }) { d.append(i) }
            }
            deps.append(d)
        }
        var level = [Int?](repeating: nil, count: targets.count)
        var visiting = Set<Int>()
        func visit(_ i: Int, _ path: [Int]) throws(StoreError) -> Int {
            if let l = level[i] { return l }
            if visiting.contains(i) {
                let cycle = (path.drop { $0 != i } + [i]).map { (targets[$0].path as NSString).lastPathComponent }
                throw StoreError("dependency cycle: " + cycle.joined(separator: " -> "))
            }
            visiting.insert(i)
            var l = 0
            for d in deps[i] { l = max(l, try visit(d, path + [i]) + 1) }
            visiting.remove(i)
            level[i] = l
            return l
        }
        for i in targets.indices { _ = try visit(i, []) }
        let maxLevel = level.compactMap { $0 }.max() ?? 0
        return (0...maxLevel).map { l in targets.indices.filter { level[$0] == l }.map { targets[$0] } }
    }

    /// Builds every wave in order, the targets of a wave concurrently. Stops after a wave with a failure.
    package static func build(_ waves: [[ModelfileTarget]], builder: ModelBuilder, options: BuildOptions,
                             onResult: @Sendable (ModelfileTarget, Result<BuildResult, StoreError>) -> Void) -> Bool {
        let failed = Atomic<Bool>(false)
        for wave in waves {
            DispatchQueue.concurrentPerform(iterations: wave.count) { i in
                let t = wave[i]
                let result: Result<BuildResult, StoreError>
                do throws(StoreError) { result = .success(try builder.build(t.input, as: t.name, options: options)) }
                catch { result = .failure(error); failed.store(true, ordering: .relaxed) }
                onResult(t, result)
            }
            if failed.load(ordering: .relaxed) { return false }
        }
        return true
    }
}
