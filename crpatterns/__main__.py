from crpatterns.cli.app import main

main()
