from django.urls import path

from . import study_views, teaching_views, views

app_name = "quizzes"
urlpatterns = [
    path("", views.home, name="home"),
    path("sets/<slug:key>/", views.quizset, name="quizset"),
    path("sets/<slug:key>/start/", views.start, name="start"),
    path("sets/<slug:key>/study/", study_views.study_quizset, name="study_quizset"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("attempts/<int:pk>/<int:position>/", views.question, name="question"),
    path("attempts/<int:pk>/finish/", views.finish, name="finish"),
    path("attempts/<int:pk>/results/", views.results, name="results"),
    path("attempts/<int:pk>/retake/", views.retake_missed, name="retake"),
    path("sources/<slug:key>/", views.source, name="source"),
    path("sources/<slug:key>/study/", study_views.study_source, name="study_source"),
    path("questions/<slug:external_id>/preview/", views.preview, name="preview"),
    path("review/", study_views.review, name="review"),
    path("review/undo/", study_views.undo, name="undo"),
    path("review/<int:card_id>/reveal/", study_views.reveal, name="reveal"),
    path("review/<int:card_id>/answer/", study_views.answer, name="review_answer"),
    path("review/<int:card_id>/rate/", study_views.rate, name="rate"),
    path("review/<int:card_id>/bury/", study_views.bury, name="bury"),
    path("review/<int:card_id>/suspend/", study_views.suspend, name="suspend"),
    path("progress/", study_views.progress, name="progress"),
    path("study/settings/", study_views.study_settings, name="study_settings"),
    path("study/optimize/", study_views.optimize, name="optimize"),
    path("study/log.csv", study_views.export_log, name="export_log"),
    path("study/log/import/", study_views.import_log, name="import_log"),
    path("join/", teaching_views.join, name="join"),
    path("join/<str:code>/", teaching_views.join, name="join_code"),
    path("assignments/<int:pk>/start/", teaching_views.start_assignment, name="start_assignment"),
    path("teach/", teaching_views.dashboard, name="teach"),
    path("teach/classes/<int:pk>/", teaching_views.classroom, name="classroom"),
    path("teach/classes/<int:pk>/assign/", teaching_views.new_assignment, name="new_assignment"),
    path("teach/classes/<int:pk>/gradebook.csv", teaching_views.gradebook_csv, name="gradebook_csv"),
    path("teach/assignments/<int:pk>/", teaching_views.assignment, name="assignment"),
    path("teach/assignments/<int:pk>/results.csv", teaching_views.assignment_csv, name="assignment_csv"),
    path(
        "teach/assignments/<int:pk>/learners/<int:learner_id>/", teaching_views.learner_results, name="learner_results"
    ),
    path("teach/sets/new/", teaching_views.quizset_builder, name="teach_new_quizset"),
    path("teach/sets/<slug:key>/", teaching_views.quizset_builder, name="teach_quizset"),
    path("teach/questions/new/", teaching_views.new_question, name="teach_new_question"),
    path("accounts/signup/", views.signup, name="signup"),
]
