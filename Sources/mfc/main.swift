import Foundation

// Line-buffered stdout would reorder output against stderr; commands write through `Console`.
StandardStreams.reopenClosedStreams()
exit(MFC.main(arguments: Array(CommandLine.arguments.dropFirst()), console: .process()))
