module mfc/tools/paramverdicts

go 1.19
