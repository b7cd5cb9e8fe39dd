from django.urls import path

from . import views

urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join, name="join_code"),
    path("assignments/<int:pk>/start/", views.start_assignment, name="start_assignment"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("teach/", views.dashboard, name="teach"),
    path("teach/classes/<int:pk>/", views.classroom, name="classroom"),
    path("teach/classes/<int:pk>/assign/", views.new_assignment, name="new_assignment"),
    path("teach/classes/<int:pk>/gradebook.csv", views.gradebook_csv, name="gradebook_csv"),
    path("teach/assignments/<int:pk>/", views.assignment, name="assignment"),
    path("teach/assignments/<int:pk>/results.csv", views.assignment_csv, name="assignment_csv"),
    path("teach/assignments/<int:pk>/learners/<int:learner_id>/", views.learner_results, name="learner_results"),
    path("teach/sets/new/", views.quizset_builder, name="teach_new_quizset"),
    path("teach/sets/<slug:key>/", views.quizset_builder, name="teach_quizset"),
    path("teach/questions/new/", views.new_question, name="teach_new_question"),
    path("teach/questions/<int:pk>/edit/", views.edit_question, name="teach_edit_question"),
    path("teach/assignments/<int:pk>/edit/", views.edit_assignment, name="edit_assignment"),
    path("teach/assignments/<int:pk>/items/<int:question_id>/", views.weak_item, name="weak_item"),
]
