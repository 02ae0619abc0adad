SELECT a.aa, a.ab, a.ac.aca, a.ac.acb, b FROM nested WHERE b < 5
