from flask.cli import AppGroup

challenges_cli = AppGroup("challenges", help="Challenge jobs.")
