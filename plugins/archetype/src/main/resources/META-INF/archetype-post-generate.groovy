// Keeps the files of the chosen kind of plugin and drops the others: a template named X.<kind> becomes X.
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.util.stream.Collectors

def kinds = ['method', 'loss', 'dataset', 'probe']
def kind = request.properties.get('kind')
if (!kinds.contains(kind)) {
    throw new IllegalArgumentException("The plugin kind '" + kind + "' is not one of method, loss, dataset or probe; "
            + "generate again with -Dkind=method (or loss, dataset, probe).")
}
Path root = Paths.get(request.outputDirectory, request.artifactId)
List<Path> files = Files.walk(root).filter { Files.isRegularFile(it) }.collect(Collectors.toList())
files.each { Path file ->
    String fileName = file.fileName.toString()
    int dot = fileName.lastIndexOf('.')
    String suffix = dot < 0 ? '' : fileName.substring(dot + 1)
    if (kinds.contains(suffix)) {
        if (suffix == kind) {
            Files.move(file, file.resolveSibling(fileName.substring(0, dot)))
        } else {
            Files.delete(file)
        }
    }
}
