from backend_skill.cli import main

main()
