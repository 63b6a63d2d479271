from phasefield.cli import main

main()
