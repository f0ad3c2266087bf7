from repairlink.cli import main

main()
