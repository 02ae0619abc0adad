SELECT * FROM nested WHERE Country = 'Germany'
