from earchive.cli import main

main()
