import Commands

Partita.main()
