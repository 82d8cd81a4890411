from earchive.cli.app import main

main()
