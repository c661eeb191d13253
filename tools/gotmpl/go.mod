module mfc/tools/gotmpl

go 1.19
