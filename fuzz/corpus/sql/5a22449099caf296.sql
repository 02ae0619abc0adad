SELECT a.* FROM nested WHERE a.ac.aca > 6
