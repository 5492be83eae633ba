"""Activity-log verbs of the persona quiz, registered with the feature."""

QUIZ_COMPLETED = "quiz_completed"

VERBS = (QUIZ_COMPLETED,)
